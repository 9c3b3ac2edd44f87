"""Hand-written descriptions, Northwestern-UCLA Multiview Action 3D (10 classes)."""

SOURCE = r"""
@ pick up with one hand
syn: one-handed pick up | pick an object off the floor with one hand | reach down with one hand
head: looks down at the object on the floor and follows it up
hands: one hand closes around a small object on the floor; the other hand stays free or rests on the knee
arms: one arm stretches down to the floor and brings the object back to waist height; the other arm hangs or braces
hips: hinge forward and back as the trunk bends
legs: the knees bend partly, the body leaning over one side
feet: stay planted, one foot sometimes forward
vis: only one hand touches the object on the floor
vis: the object is small, such as a cup or a ball, held in one fist
vis: the free hand rests on the thigh or hangs
vis: the body bends forward, ending upright with the object at the side

@ pick up with two hands
syn: two-handed pick up | lift a box from the floor with both hands | pick up a large object
head: looks down at the object, then forward as the body rises
hands: both hands grip opposite sides of a larger object on the floor
arms: both arms reach down together and lift the object to waist or chest height
hips: drop back and down, then rise with the load
legs: bend at the knees into a squat and straighten
feet: stay planted, shoulder width apart
vis: both hands hold one large object such as a box
vis: the object is held in front of the body between the hands
vis: the knees bend and the trunk lowers symmetrically
vis: the person ends upright holding the object with both arms

@ drop trash
syn: throw away trash | put rubbish in a bin | dispose of garbage
head: looks down at the bin
hands: one hand holds a piece of trash over a bin and lets go of it
arms: one arm reaches forward and down over the bin, then returns empty
hips: bend slightly toward the bin
legs: may step toward the bin, then stand still
feet: stay planted beside the bin
vis: a piece of paper or small waste item is held over a trash bin
vis: the fingers open and the trash falls into the bin
vis: the hand is empty after the release
vis: the trunk leans slightly toward the bin

@ walk around
syn: walking | walk in a circle | stroll around
head: faces the direction of travel, turning along the path
hands: swing loosely
arms: swing alternately with the opposite leg
hips: move forward and rotate slightly each step
legs: step alternately along a curved path
feet: heel strike and push off in turn, changing direction
vis: the person travels across the floor along a curve
vis: the arms swing naturally at the sides
vis: the hands are empty
vis: the trunk stays upright while walking

@ sit down
syn: sitting down | take a seat | sit on a chair
head: moves forward and down, then settles upright
hands: may reach back toward the seat or rest on the thighs
arms: move slightly backward or forward for balance
hips: move back and down onto the seat
legs: the knees bend to about ninety degrees
feet: stay planted in front of the seat
vis: the person lowers from standing onto a chair
vis: the end posture is seated with the trunk upright
vis: the hands rest on the thighs or the seat
vis: the knees are bent with the feet flat on the floor

@ stand up
syn: standing up | get up from a chair | rise from a seat
head: moves forward over the knees, then rises
hands: push on the thighs or the seat
arms: press down, then hang at the sides
hips: lift off the seat, forward and up
legs: the knees straighten
feet: press into the floor and take the weight
vis: the person starts seated and ends standing
vis: the trunk leans forward before rising
vis: the hands push off the knees or the seat
vis: the end posture is upright with the arms at the sides

@ donning
syn: put on a jacket | putting on clothes | dress in a coat
head: turns toward each sleeve
hands: one hand holds the jacket by the collar while the other arm slides into a sleeve, then both pull the front closed
arms: one arm pushes into a sleeve behind the body, the other reaches back for its sleeve, then both shrug it on
hips: twist slightly
legs: stand still
feet: stay planted
vis: a jacket is held open before the arms go into it
vis: an arm pushes backward into a sleeve
vis: the hands end pulling the jacket's front together
vis: the direction is onto the body, opposite to doffing

@ doffing
syn: take off a jacket | taking off clothes | remove a coat
head: turns as each arm comes out
hands: push the jacket back off the shoulders and pull each sleeve off the opposite arm
arms: pull backward and down out of the sleeves
hips: twist slightly
legs: stand still
feet: stay planted
vis: the hands push a worn jacket off the shoulders
vis: one hand pulls a sleeve off the other wrist
vis: the jacket ends held in one hand away from the body
vis: the direction is off the body, opposite to donning

@ throw
syn: throwing | toss an object | throw something
head: faces the target
hands: one hand holds a small object and releases it at the end of the swing
arms: the throwing arm swings back and then forward, extending toward the target
hips: rotate toward the target
legs: the opposite leg steps forward
feet: weight moves from the back foot to the front foot
vis: a small object is held in one hand before the throw
vis: the arm extends forward and the hand opens
vis: the trunk twists with the throw
vis: the hand is empty afterward

@ carry
syn: carrying | carry an object | walk holding a box
head: faces the direction of travel
hands: both hands hold an object such as a box in front of the body
arms: bent at the elbows, held still, supporting the object
hips: move forward with each step
legs: walk with steady steps
feet: step alternately across the floor
vis: an object is held in both arms in front of the body while walking
vis: the arms do not swing because they hold the load
vis: the person travels across the floor
vis: the trunk is upright, balancing the object
"""
